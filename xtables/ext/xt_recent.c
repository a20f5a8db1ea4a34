/* xtables/ext/xt_recent.c - STUB: module xt_recent, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_recent = {
	.name = "xt_recent",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
