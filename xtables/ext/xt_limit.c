/* xtables/ext/xt_limit.c - STUB: module xt_limit, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_limit = {
	.name = "xt_limit",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
