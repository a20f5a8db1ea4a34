/* xtables/ext/xt_LOG.c - STUB: module xt_LOG, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_LOG = {
	.name = "xt_LOG",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
