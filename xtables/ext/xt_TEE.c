/* xtables/ext/xt_TEE.c - STUB: module xt_TEE, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_TEE = {
	.name = "xt_TEE",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
