/* xtables/ext/xt_policy.c - STUB: module xt_policy, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_policy = {
	.name = "xt_policy",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
