/* xtables/ext/xt_TCPMSS.c - STUB: module xt_TCPMSS, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_TCPMSS = {
	.name = "xt_TCPMSS",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
