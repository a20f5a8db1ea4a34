/* xtables/ext/ipt_REJECT.c - STUB: module ipt_REJECT, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_ipt_REJECT = {
	.name = "ipt_REJECT",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
