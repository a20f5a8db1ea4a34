/* xtables/ext/xt_osf.c - STUB: module xt_osf, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_osf = {
	.name = "xt_osf",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
