/* xtables/ext/xt_NFQUEUE.c - STUB: module xt_NFQUEUE, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_NFQUEUE = {
	.name = "xt_NFQUEUE",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
