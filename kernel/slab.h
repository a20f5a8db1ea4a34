/* kernel/slab.h - kmem_cache: fixed-size objects from a free list.
 *
 * Mirrors the use of include/linux/slab.h's kmem_cache_create/_zalloc/_free (skbuff_head_cache,
 * nf_conntrack_cachep): objects freed go back to the cache and are handed out again, so the
 * packet path allocates nothing in the common case.
 * EMU: a free list, no slabs, no per-CPU parts; at most `keep` objects are kept (a burst's
 * excess goes back to malloc).  Under AddressSanitizer a cache is a plain malloc/free, so a
 * use after free is still caught.  Single-threaded, like the rest of the emulated kernel.
 */
#ifndef NFEMU_KERNEL_SLAB_H
#define NFEMU_KERNEL_SLAB_H

#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define KMEM_CACHE_ON 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KMEM_CACHE_ON 0
#endif
#endif
#ifndef KMEM_CACHE_ON
#define KMEM_CACHE_ON 1
#endif

struct kmem_cache_obj {
	struct kmem_cache_obj *next;
};

struct kmem_cache {
	size_t size;                    /* of an object (at least a pointer) */
	unsigned int keep;              /* objects kept at most */
	unsigned int nfree;
	struct kmem_cache_obj *free;
};

#define KMEM_CACHE_INIT(type, keep_) { .size = sizeof(type), .keep = (keep_) }

/* A zeroed object, or NULL. */
static inline void *kmem_cache_zalloc(struct kmem_cache *c)
{
	struct kmem_cache_obj *o = c->free;

	if (!KMEM_CACHE_ON || !o)
		return calloc(1, c->size);
	c->free = o->next;
	c->nfree--;
	memset(o, 0, c->size);
	return o;
}

static inline void kmem_cache_free(struct kmem_cache *c, void *p)
{
	struct kmem_cache_obj *o = p;

	if (!p)
		return;
	if (!KMEM_CACHE_ON || c->nfree >= c->keep) {
		free(p);
		return;
	}
	o->next = c->free;
	c->free = o;
	c->nfree++;
}

/* Give every cached object back to malloc (kmem_cache_shrink). */
static inline void kmem_cache_shrink(struct kmem_cache *c)
{
	while (c->free) {
		struct kmem_cache_obj *o = c->free;

		c->free = o->next;
		free(o);
	}
	c->nfree = 0;
}

#endif
