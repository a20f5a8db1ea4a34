/* xtables/ext/xt_owner.c - STUB: module xt_owner, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_owner = {
	.name = "xt_owner",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
