/* xtables/ext/xt_mark.c - STUB: module xt_mark, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_mark = {
	.name = "xt_mark",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
