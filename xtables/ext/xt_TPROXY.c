/* xtables/ext/xt_TPROXY.c - STUB: module xt_TPROXY, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_TPROXY = {
	.name = "xt_TPROXY",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
