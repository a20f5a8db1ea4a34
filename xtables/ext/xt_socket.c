/* xtables/ext/xt_socket.c - STUB: module xt_socket, to be filled with its matches/targets. */
#include "emu/module.h"
#include "xtables/x_tables.h"

const struct module_info module_info_xt_socket = {
	.name = "xt_socket",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
};
