/* xtables/ext/xt_comment.c - STUB: module xt_comment, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_comment = {
	.name = "xt_comment",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
