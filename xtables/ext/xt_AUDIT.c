/* xtables/ext/xt_AUDIT.c - STUB: module xt_AUDIT, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_AUDIT = {
	.name = "xt_AUDIT",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
