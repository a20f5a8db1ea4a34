/* kernel/module.c - module loading, reference counts and /proc/modules.
 *
 * Mirrors kernel/module/main.c where it is visible from user space: request_module()
 * (here: look the name or alias up among the modules compiled into nfemu, load its
 * dependencies first, holding each with ref_module), try_module_get/module_put,
 * delete_module's EBUSY while refcount > 0, and the /proc/modules line format.
 * EMU: nothing is mapped into memory; the addresses in /proc/modules are all zero, as Linux
 * prints them to an unprivileged reader.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/module.h"
#include "kernel/net.h"

#define NFEMU_MODULE(n) extern const struct module_info module_info_##n;
#include "kernel/module_list.h"
#undef NFEMU_MODULE

static const struct module_info *const module_images[] = {
#define NFEMU_MODULE(n) &module_info_##n,
#include "kernel/module_list.h"
#undef NFEMU_MODULE
};

const struct module_info *const *module_info_all(size_t *n)
{
	*n = ARRAY_SIZE(module_images);
	return module_images;
}

/* modprobe's lookup: a module name (with '-' and '_' equal) or one of its aliases. */
static bool modname_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = *a == '-' ? '_' : *a, cb = *b == '-' ? '_' : *b;

		if (ca != cb)
			return false;
	}
	return *a == *b;
}

const struct module_info *module_info_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(module_images); i++)
		if (modname_eq(module_images[i]->name, name))
			return module_images[i];
	for (size_t i = 0; i < ARRAY_SIZE(module_images); i++) {
		const char *const *a = module_images[i]->aliases;

		for (; a && *a; a++)
			if (modname_eq(*a, name))
				return module_images[i];
	}
	return NULL;
}

struct module *find_module(struct net *net, const char *name)
{
	struct module *mod;

	list_for_each_entry(mod, &net->modules, list)
		if (modname_eq(mod->name, name))
			return mod;
	return NULL;
}

/* EMU: tell the observer (with --explain) what happened to a module; with no observer
 * installed, keep it in net->modlog for the first one (a kernel rebuilt from its state file
 * takes its references before the replay's outputs exist). */
static void module_event(struct net *net, enum nfemu_module_what what, const char *name,
			 const char *user, int before, int after)
{
	struct nfemu_module_event me = { .what = (u8)what, .before = before, .after = after,
					 .name = name, .user = user };

	if (!net)
		return;
	if (net->observer.event) {
		struct nfemu_event ev = { .type = NFEMU_EV_MODULE, .module = &me };

		if (net->observer.walk)
			nfemu_observe(net, &ev);
	} else if (net->modlog.n < NFEMU_MODLOG_MAX) {
		net->modlog.ev[net->modlog.n++] = me;
	} else {
		net->modlog.lost++;
	}
}

static bool __try_module_get(struct module *mod)
{
	if (mod->state == MODULE_STATE_GOING)
		return false;
	mod->refcnt++;
	return true;
}

bool try_module_get(struct module *mod)
{
	if (!mod)
		return true;            /* built-in code has no module */
	if (!__try_module_get(mod)) {
		module_event(mod->net, NFEMU_MODULE_GET_FAILED, mod->name, NULL, mod->refcnt,
			     mod->refcnt);
		return false;
	}
	module_event(mod->net, NFEMU_MODULE_GET, mod->name, NULL, mod->refcnt - 1, mod->refcnt);
	return true;
}

static void __module_put(struct module *mod)
{
	if (mod->refcnt > 0)
		mod->refcnt--;
}

void module_put(struct module *mod)
{
	int before;

	if (!mod)
		return;
	before = mod->refcnt;
	__module_put(mod);
	module_event(mod->net, NFEMU_MODULE_PUT, mod->name, NULL, before, mod->refcnt);
}

int module_refcount(const struct module *mod)
{
	return mod->refcnt;
}

/* a uses b: b is held for as long as a is loaded. */
static int ref_module(struct module *a, struct module *b)
{
	struct module_use *use;

	list_for_each_entry(use, &b->source_list, source_list)
		if (use->source == a)
			return 0;
	use = calloc(1, sizeof(*use));
	if (!use)
		return -ENOMEM;
	if (!__try_module_get(b)) {
		free(use);
		return -ENOENT;
	}
	module_event(b->net, NFEMU_MODULE_REF, b->name, a->name, b->refcnt - 1, b->refcnt);
	use->source = a;
	use->target = b;
	list_add(&use->source_list, &b->source_list);
	list_add(&use->target_list, &a->target_list);
	return 0;
}

static void module_unload_free(struct module *mod)
{
	struct module_use *use, *tmp;

	list_for_each_entry_safe(use, tmp, &mod->target_list, target_list) {
		int before = use->target->refcnt;

		list_del(&use->source_list);
		list_del(&use->target_list);
		__module_put(use->target);
		module_event(mod->net, NFEMU_MODULE_UNREF, use->target->name, mod->name, before,
			     use->target->refcnt);
		free(use);
	}
}

static void free_module(struct module *mod)
{
	module_unload_free(mod);
	list_del(&mod->list);
	free(mod);
}

static int load_module(struct net *net, const struct module_info *info, const char *user,
		       int depth)
{
	const char *const *dep;
	struct module *mod;
	int err;

	if (find_module(net, info->name))
		return 0;
	if (depth > 16)
		return -ELOOP;
	for (dep = info->depends; dep && *dep; dep++) {
		const struct module_info *di = module_info_find(*dep);

		if (!di) {
			pr_err(net, "%s: Unknown symbol (dependency %s missing)", info->name, *dep);
			return -ENOENT;
		}
		err = load_module(net, di, info->name, depth + 1);
		if (err)
			return err;
	}
	mod = calloc(1, sizeof(*mod));
	if (!mod)
		return -ENOMEM;
	mod->info = info;
	mod->name = info->name;
	mod->state = MODULE_STATE_COMING;
	mod->net = net;
	INIT_LIST_HEAD(&mod->source_list);
	INIT_LIST_HEAD(&mod->target_list);
	list_add(&mod->list, &net->modules);
	for (dep = info->depends; dep && *dep; dep++) {
		err = ref_module(mod, find_module(net, module_info_find(*dep)->name));
		if (err)
			goto free_mod;
	}
	if (info->init) {
		err = info->init(net, mod);
		if (err)
			goto free_mod;
	}
	mod->state = MODULE_STATE_LIVE;
	module_event(net, NFEMU_MODULE_LOAD, mod->name, user, 0, 0);
	net->emu_gen++;
	net->emu_gen_rules++;
	return 0;

free_mod:
	free_module(mod);
	return err;
}

int request_module(struct net *net, const char *fmt, ...)
{
	const struct module_info *info;
	char name[MODULE_NAME_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	info = module_info_find(name);
	if (!info)
		return -ENOENT;         /* modprobe: "Module ... not found" */
	return load_module(net, info, NULL, 0);
}

int delete_module(struct net *net, const char *name)
{
	struct module *mod = find_module(net, name);

	if (!mod)
		return -ENOENT;
	/* EMU: Linux answers EWOULDBLOCK here and kmod's rmmod, having read
	 * /sys/module/NAME/refcnt and holders/ first, says "is in use (by: ...)"; nfemu
	 * answers EBUSY, the errno that sentence stands for. */
	if (!list_empty(&mod->source_list) || module_refcount(mod) != 0)
		return -EBUSY;
	mod->state = MODULE_STATE_GOING;
	if (mod->info->exit)
		mod->info->exit(net, mod);
	module_event(net, NFEMU_MODULE_UNLOAD, mod->name, NULL, 0, 0);
	free_module(mod);
	net->emu_gen++;
	net->emu_gen_rules++;
	return 0;
}

void module_unload_all(struct net *net)
{
	while (!list_empty(&net->modules)) {
		struct module *mod = list_first_entry(&net->modules, struct module, list);

		mod->state = MODULE_STATE_GOING;
		if (mod->info->exit)
			mod->info->exit(net, mod);
		free_module(mod);
	}
}

/* "name size refcnt holders, state 0x0000000000000000" as print_unload_info() writes it. */
char *proc_modules_show(struct net *net)
{
	struct module *mod;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	list_for_each_entry(mod, &net->modules, list) {
		struct module_use *use;
		bool any = false;

		fprintf(f, "%s %u %d ", mod->name, mod->info->size, module_refcount(mod));
		list_for_each_entry(use, &mod->source_list, source_list) {
			fprintf(f, "%s,", use->source->name);
			any = true;
		}
		if (!any)
			fputc('-', f);
		fprintf(f, " %s 0x0000000000000000\n",
			mod->state == MODULE_STATE_GOING ? "Unloading" :
			mod->state == MODULE_STATE_COMING ? "Loading" : "Live");
	}
	fclose(f);
	return buf;
}
