/* xtables/ext/xt_rateest.c - STUB: module xt_rateest, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_rateest = {
	.name = "xt_rateest",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
