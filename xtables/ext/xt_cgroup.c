/* xtables/ext/xt_cgroup.c - the "cgroup" match (revisions 0-2): net_cls classid or v2 path.
 *
 * Mirrors net/netfilter/xt_cgroup.c: the NFPROTO_UNSPEC registrations (OUTPUT, POSTROUTING,
 * INPUT only) and checkentry (0/1 inversions; exactly one of path and classid; the path
 * must name a cgroup, held in the kernel-only `priv` pointer until destroy).  The reference
 * kernel has CONFIG_CGROUP_NET_CLASSID, so classids are accepted.  Leaves out the packet
 * path (.match is NULL: socket cgroups are not emulated at run time yet).
 */
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <linux/netfilter/xt_cgroup.h>
#include "kernel/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_cgroup: " fmt


/* A held cgroup v2 directory.  EMU: only its path, relative to the hierarchy's root. */
struct cgroup {
	char *path;
};

/* EMU: where the host's cgroup v2 hierarchy is mounted (first cgroup2 entry of
 * /proc/self/mounts), or "" when it is not mounted. */
static void nfemu_cgroup2_mount(char *dir, size_t len)
{
	struct mntent *me;
	FILE *f = setmntent("/proc/self/mounts", "r");

	dir[0] = '\0';
	if (!f)
		return;
	while ((me = getmntent(f)))
		if (strcmp(me->mnt_type, "cgroup2") == 0) {
			snprintf(dir, len, "%s", me->mnt_dir);
			break;
		}
	endmntent(f);
}

/* cgroup_get_from_path(): walk path from the cgroup v2 root, '/'-separated components,
 * empty ones skipped, and return the directory found.
 * EMU: the hierarchy is the cgroup2 file system of the machine nfemu runs on, as mounted
 * in the calling process; without one only the root ("/", "") exists.  kernfs has no "."
 * or ".." entries, so those components are not found. */
static struct cgroup *cgroup_get_from_path(const char *path)
{
	char mnt[256];
	char walk[sizeof(mnt) + PATH_MAX + 2];
	char copy[PATH_MAX + 1];
	char rel[PATH_MAX + 2] = "";    /* copy's components, each behind one '/' */
	struct cgroup *cgrp;
	char *p, *name;
	bool root_only;

	nfemu_cgroup2_mount(mnt, sizeof(mnt));
	root_only = mnt[0] == '\0';
	snprintf(copy, sizeof(copy), "%s", path);
	p = copy;
	while ((name = strsep(&p, "/"))) {
		struct stat st;

		if (*name == '\0')
			continue;
		if (root_only || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			return ERR_PTR(-ENOENT);
		strcat(rel, "/");
		strcat(rel, name);
		snprintf(walk, sizeof(walk), "%s%s", mnt, rel);
		if (lstat(walk, &st) < 0)
			return ERR_PTR(-ENOENT);
		if (!S_ISDIR(st.st_mode))
			/* A file: ENOTDIR if it ends the path, else nothing below it. */
			return ERR_PTR(p ? -ENOENT : -ENOTDIR);
	}
	cgrp = calloc(1, sizeof(*cgrp));
	if (cgrp)
		cgrp->path = strdup(rel[0] ? rel : "/");
	if (!cgrp || !cgrp->path) {
		free(cgrp);
		return ERR_PTR(-ENOMEM);
	}
	return cgrp;
}

static void cgroup_put(struct cgroup *cgrp)
{
	free(cgrp->path);
	free(cgrp);
}

static int cgroup_mt_check_v0(const struct xt_mtchk_param *par)
{
	const struct xt_cgroup_info_v0 *info = par->matchinfo;

	if (info->invert & ~1) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("invert must be 0 or 1\n"));
		return -EINVAL;
	}
	return 0;
}

/* The checks revisions 1 and 2 share; path is info->path of either layout. */
static int cgroup_mt_check_common(const struct xt_mtchk_param *par, u8 has_path, u8 has_classid,
				  u8 invert_path, u8 invert_classid, const char *path,
				  size_t path_size, void **priv)
{
	struct cgroup *cgrp;

	if ((invert_path & ~1) || (invert_classid & ~1)) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("inversions must be 0 or 1\n"));
		return -EINVAL;
	}
	if (!has_path && !has_classid) {
		/* Linux 6.18's text carries the module name once more than pr_fmt adds. */
		pr_info_ratelimited(par->net, pr_fmt("xt_cgroup: no path or classid specified\n"));
		return -EINVAL;
	}
	if (has_path && has_classid) {
		pr_info_ratelimited(par->net, pr_fmt("path and classid specified\n"));
		return -EINVAL;
	}
	*priv = NULL;
	if (has_path) {
		if (strnlen(path, path_size) >= path_size) {
			pr_debug(par->net, pr_fmt("path not terminated\n"));   /* EMU: as above */
			return -ENAMETOOLONG;
		}
		cgrp = cgroup_get_from_path(path);
		if (IS_ERR(cgrp)) {
			pr_info_ratelimited(par->net, pr_fmt("invalid path, errno=%ld\n"),
					    PTR_ERR(cgrp));
			return -EINVAL;
		}
		*priv = cgrp;
	}
	return 0;
}

static int cgroup_mt_check_v1(const struct xt_mtchk_param *par)
{
	struct xt_cgroup_info_v1 *info = par->matchinfo;

	return cgroup_mt_check_common(par, info->has_path, info->has_classid, info->invert_path,
				      info->invert_classid, info->path, sizeof(info->path),
				      &info->priv);
}

static int cgroup_mt_check_v2(const struct xt_mtchk_param *par)
{
	struct xt_cgroup_info_v2 *info = par->matchinfo;

	return cgroup_mt_check_common(par, info->has_path, info->has_classid, info->invert_path,
				      info->invert_classid, info->path, sizeof(info->path),
				      &info->priv);
}

static void cgroup_mt_destroy_v1(const struct xt_mtdtor_param *par)
{
	const struct xt_cgroup_info_v1 *info = par->matchinfo;

	if (info->priv)
		cgroup_put(info->priv);
}

static void cgroup_mt_destroy_v2(const struct xt_mtdtor_param *par)
{
	const struct xt_cgroup_info_v2 *info = par->matchinfo;

	if (info->priv)
		cgroup_put(info->priv);
}

static const struct xt_match cgroup_mt_reg[] = {
	{
		.name		= "cgroup",
		.match		= xt_unemulated_match,
		.revision	= 0,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= cgroup_mt_check_v0,
		.matchsize	= sizeof(struct xt_cgroup_info_v0),
		.hooks		= (1 << NF_INET_LOCAL_OUT) |
				  (1 << NF_INET_POST_ROUTING) |
				  (1 << NF_INET_LOCAL_IN),
	},
	{
		.name		= "cgroup",
		.match		= xt_unemulated_match,
		.revision	= 1,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= cgroup_mt_check_v1,
		.matchsize	= sizeof(struct xt_cgroup_info_v1),
		.usersize	= offsetof(struct xt_cgroup_info_v1, priv),
		.destroy	= cgroup_mt_destroy_v1,
		.hooks		= (1 << NF_INET_LOCAL_OUT) |
				  (1 << NF_INET_POST_ROUTING) |
				  (1 << NF_INET_LOCAL_IN),
	},
	{
		.name		= "cgroup",
		.match		= xt_unemulated_match,
		.revision	= 2,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= cgroup_mt_check_v2,
		.matchsize	= sizeof(struct xt_cgroup_info_v2),
		.usersize	= offsetof(struct xt_cgroup_info_v2, priv),
		.destroy	= cgroup_mt_destroy_v2,
		.hooks		= (1 << NF_INET_LOCAL_OUT) |
				  (1 << NF_INET_POST_ROUTING) |
				  (1 << NF_INET_LOCAL_IN),
	},
};

static int cgroup_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, cgroup_mt_reg, ARRAY_SIZE(cgroup_mt_reg));
}

static void cgroup_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, cgroup_mt_reg, ARRAY_SIZE(cgroup_mt_reg));
}

const struct module_info module_info_xt_cgroup = {
	.name = "xt_cgroup",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_cgroup", "ip6t_cgroup"),
	.init = cgroup_mt_init,
	.exit = cgroup_mt_exit,
};
