/* xtables/ext/xt_devgroup.c - STUB: module xt_devgroup, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_devgroup = {
	.name = "xt_devgroup",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
