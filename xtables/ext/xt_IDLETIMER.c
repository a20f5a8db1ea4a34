/* xtables/ext/xt_IDLETIMER.c - STUB: module xt_IDLETIMER, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_IDLETIMER = {
	.name = "xt_IDLETIMER",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
