/* xtables/ext/xt_RATEEST.c - STUB: module xt_RATEEST, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_RATEEST = {
	.name = "xt_RATEEST",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
