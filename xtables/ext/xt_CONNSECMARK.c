/* xtables/ext/xt_CONNSECMARK.c - STUB: module xt_CONNSECMARK, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_CONNSECMARK = {
	.name = "xt_CONNSECMARK",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
