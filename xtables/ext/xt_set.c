/* xtables/ext/xt_set.c - STUB: module xt_set, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_set = {
	.name = "xt_set",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
