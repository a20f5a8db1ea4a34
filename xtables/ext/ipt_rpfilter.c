/* xtables/ext/ipt_rpfilter.c - STUB: module ipt_rpfilter, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_ipt_rpfilter = {
	.name = "ipt_rpfilter",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
