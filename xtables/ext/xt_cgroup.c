/* xtables/ext/xt_cgroup.c - STUB: module xt_cgroup, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_cgroup = {
	.name = "xt_cgroup",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
