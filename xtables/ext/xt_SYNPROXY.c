/* xtables/ext/xt_SYNPROXY.c - STUB: module xt_SYNPROXY, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_SYNPROXY = {
	.name = "xt_SYNPROXY",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
