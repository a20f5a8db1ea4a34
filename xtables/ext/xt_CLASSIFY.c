/* xtables/ext/xt_CLASSIFY.c - STUB: module xt_CLASSIFY, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_CLASSIFY = {
	.name = "xt_CLASSIFY",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
