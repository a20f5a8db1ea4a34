/* xtables/ext/xt_NFLOG.c - STUB: module xt_NFLOG, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_NFLOG = {
	.name = "xt_NFLOG",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
