/* xtables/ext/xt_quota.c - STUB: module xt_quota, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_quota = {
	.name = "xt_quota",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
