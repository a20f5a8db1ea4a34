/* xtables/ext/xt_time.c - STUB: module xt_time, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_time = {
	.name = "xt_time",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
