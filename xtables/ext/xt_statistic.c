/* xtables/ext/xt_statistic.c - STUB: module xt_statistic, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_statistic = {
	.name = "xt_statistic",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
