/* xtables/ext/xt_TRACE.c - STUB: module xt_TRACE, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_TRACE = {
	.name = "xt_TRACE",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
