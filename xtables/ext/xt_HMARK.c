/* xtables/ext/xt_HMARK.c - STUB: module xt_HMARK, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_HMARK = {
	.name = "xt_HMARK",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
