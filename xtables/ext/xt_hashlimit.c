/* xtables/ext/xt_hashlimit.c - STUB: module xt_hashlimit, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_hashlimit = {
	.name = "xt_hashlimit",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
