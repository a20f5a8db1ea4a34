/* xtables/ext/xt_cluster.c - STUB: module xt_cluster, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_cluster = {
	.name = "xt_cluster",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
