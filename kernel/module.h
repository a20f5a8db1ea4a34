/* kernel/module.h - loadable modules with reference counts, as kernel/module/ keeps them.
 *
 * A struct module_info is what a .ko file is on disk: its name, size, the modules it
 * depends on, the aliases request_module() resolves, and init/exit.  A struct module is
 * the loaded instance inside one emulated kernel (struct net): refcount, holders, state.
 * Rules hold the modules of their matches and targets (try_module_get in check_match),
 * dependent modules hold what they depend on (ref_module), and delete_module refuses
 * with EBUSY while anything holds a reference.
 * EMU: no code is loaded; "loading" runs init() of a module compiled into nfemu.
 */
#ifndef NFEMU_EMU_MODULE_H
#define NFEMU_EMU_MODULE_H

#include "kernel/kernel.h"
#include "kernel/list.h"

#define MODULE_NAME_LEN 56

struct module;

struct rts_w;
struct rts_r;

struct module_info {
	const char *name;            /* "xt_tcpudp" */
	unsigned int size;           /* the size column of /proc/modules */
	const char *const *depends;  /* NULL-terminated; loaded first and held (ref_module) */
	const char *const *aliases;  /* NULL-terminated MODULE_ALIAS()es: "ipt_tcp", ... */
	int (*init)(struct net *net, struct module *mod);
	void (*exit)(struct net *net, struct module *mod);
	/* EMU: the module's per-net run-time objects (recent tables, hashlimit buckets, ...) in
	 * the state file (kernel/rtstate.h): save appends them; load restores them into a net
	 * whose rules have just been loaded (0, or -EINVAL with r->why set). */
	void (*rt_save)(struct net *net, struct rts_w *w);
	int (*rt_load)(struct net *net, struct rts_r *r);
};

enum module_state { MODULE_STATE_LIVE, MODULE_STATE_COMING, MODULE_STATE_GOING };

/* One "a uses b" edge: lives on a->target_list and b->source_list. */
struct module_use {
	struct list_head source_list;
	struct list_head target_list;
	struct module *source, *target;
};

struct module {
	struct list_head list;          /* net->modules, newest first like /proc/modules */
	const struct module_info *info;
	const char *name;
	enum module_state state;
	int refcnt;                     /* module_refcount(): gets + holders */
	struct net *net;                /* EMU: the kernel it is loaded in (for its events) */
	struct list_head source_list;   /* modules that use this one (the holders) */
	struct list_head target_list;   /* modules this one uses */
};

/* NULL-terminated string lists for module_info fields. */
#define MODULE_DEPS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define MODULE_ALIASES(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Every module nfemu can load, from kernel/module_list.h. */
const struct module_info *module_info_find(const char *name_or_alias);
const struct module_info *const *module_info_all(size_t *n);

/* Load by module name or alias, with dependencies; 0 if loaded or already live. */
int request_module(struct net *net, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct module *find_module(struct net *net, const char *name);
bool try_module_get(struct module *mod);
void module_put(struct module *mod);
int module_refcount(const struct module *mod);
/* rmmod: -ENOENT if not loaded, -EBUSY (holders/users named in net->printk) if in use. */
int delete_module(struct net *net, const char *name);
/* Unload every module, newest first, ignoring references: used when a net is freed. */
void module_unload_all(struct net *net);
/* Write /proc/modules to buf (malloc'd, NUL-terminated). */
char *proc_modules_show(struct net *net);

#endif
