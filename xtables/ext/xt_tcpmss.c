/* xtables/ext/xt_tcpmss.c - STUB: module xt_tcpmss, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_tcpmss = {
	.name = "xt_tcpmss",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
