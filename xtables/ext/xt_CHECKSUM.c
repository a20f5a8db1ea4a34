/* xtables/ext/xt_CHECKSUM.c - STUB: module xt_CHECKSUM, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_CHECKSUM = {
	.name = "xt_CHECKSUM",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
