/* xtables/ext/xt_nfacct.c - STUB: module xt_nfacct, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_nfacct = {
	.name = "xt_nfacct",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
