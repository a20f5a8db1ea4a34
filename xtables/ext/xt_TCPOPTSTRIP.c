/* xtables/ext/xt_TCPOPTSTRIP.c - STUB: module xt_TCPOPTSTRIP, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_TCPOPTSTRIP = {
	.name = "xt_TCPOPTSTRIP",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
