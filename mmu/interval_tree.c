// SPDX-License-Identifier: GPL-2.0
/*
 * The i_mmap interval tree (Linux's mm/interval_tree.c over
 * include/linux/interval_tree_generic.h): a backing object's VMAs, keyed
 * by the page range [vm_pgoff, vm_pgoff + pages - 1] they map, in an AVL
 * tree augmented with the largest range end in each subtree, so that the
 * VMAs mapping a page or a range are found in O(log n + matches).
 */
#include "internal.h"

#define IT(v)	((v)->shared)

static uint64_t it_start(const struct vm_area_struct *v)
{
	return v->vm_pgoff;
}

static uint64_t it_last(const struct vm_area_struct *v)
{
	return v->vm_pgoff + vma_pages(v) - 1;
}

static int it_height(const struct vm_area_struct *v)
{
	return v ? IT(v).height : 0;
}

static void it_update(struct vm_area_struct *v)
{
	uint64_t last = it_last(v);

	if (IT(v).left && IT(IT(v).left).subtree_last > last)
		last = IT(IT(v).left).subtree_last;
	if (IT(v).right && IT(IT(v).right).subtree_last > last)
		last = IT(IT(v).right).subtree_last;
	IT(v).subtree_last = last;
	IT(v).height = 1 + max(it_height(IT(v).left), it_height(IT(v).right));
}

static void it_replace(struct address_space *m, struct vm_area_struct *parent,
		       struct vm_area_struct *old, struct vm_area_struct *new)
{
	if (!parent)
		m->i_mmap = new;
	else if (IT(parent).left == old)
		IT(parent).left = new;
	else
		IT(parent).right = new;
	if (new)
		IT(new).parent = parent;
}

static struct vm_area_struct *it_rotate(struct address_space *m, struct vm_area_struct *n, bool left)
{
	struct vm_area_struct *c = left ? IT(n).right : IT(n).left;
	struct vm_area_struct *inner = left ? IT(c).left : IT(c).right;

	it_replace(m, IT(n).parent, n, c);
	if (left) {
		IT(n).right = inner;
		IT(c).left = n;
	} else {
		IT(n).left = inner;
		IT(c).right = n;
	}
	if (inner)
		IT(inner).parent = n;
	IT(n).parent = c;
	it_update(n);
	it_update(c);
	return c;
}

static void it_fixup(struct address_space *m, struct vm_area_struct *n)
{
	for (; n; n = IT(n).parent) {
		int bal;

		it_update(n);
		bal = it_height(IT(n).left) - it_height(IT(n).right);
		if (bal > 1) {
			struct vm_area_struct *l = IT(n).left;

			if (it_height(IT(l).left) < it_height(IT(l).right))
				it_rotate(m, l, true);
			n = it_rotate(m, n, false);
		} else if (bal < -1) {
			struct vm_area_struct *r = IT(n).right;

			if (it_height(IT(r).right) < it_height(IT(r).left))
				it_rotate(m, r, false);
			n = it_rotate(m, n, true);
		}
	}
}

void i_mmap_insert(struct vm_area_struct *vma)
{
	struct address_space *m = vma->vm_file->f_mapping;
	struct vm_area_struct **link = &m->i_mmap, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it_start(vma) < it_start(parent) ? &IT(parent).left : &IT(parent).right;
	}
	IT(vma).left = IT(vma).right = NULL;
	IT(vma).parent = parent;
	*link = vma;
	it_fixup(m, vma);
}

void i_mmap_remove(struct vm_area_struct *vma)
{
	struct address_space *m = vma->vm_file->f_mapping;
	struct vm_area_struct *parent = IT(vma).parent, *from;

	if (!IT(vma).left || !IT(vma).right) {
		it_replace(m, parent, vma, IT(vma).left ? IT(vma).left : IT(vma).right);
		from = parent;
	} else {
		struct vm_area_struct *s = IT(vma).right;

		while (IT(s).left)
			s = IT(s).left;
		if (IT(s).parent != vma) {
			from = IT(s).parent;
			it_replace(m, from, s, IT(s).right);
			IT(s).right = IT(vma).right;
			IT(IT(s).right).parent = s;
		} else {
			from = s;
		}
		IT(s).left = IT(vma).left;
		IT(IT(s).left).parent = s;
		it_replace(m, parent, vma, s);
	}
	IT(vma).left = IT(vma).right = IT(vma).parent = NULL;
	it_fixup(m, from);
}

/* the leftmost node under @node overlapping [start, last] */
static struct vm_area_struct *it_subtree_search(struct vm_area_struct *node, uint64_t start,
						uint64_t last)
{
	for (;;) {
		if (IT(node).left && start <= IT(IT(node).left).subtree_last) {
			node = IT(node).left;
			continue;
		}
		if (it_start(node) <= last) {
			if (start <= it_last(node))
				return node;
			if (IT(node).right && start <= IT(IT(node).right).subtree_last) {
				node = IT(node).right;
				continue;
			}
		}
		return NULL;
	}
}

/* vma_interval_tree_iter_first(): the first VMA mapping any page of [start, last] */
struct vm_area_struct *i_mmap_first(struct address_space *m, uint64_t start, uint64_t last)
{
	if (!m->i_mmap || IT(m->i_mmap).subtree_last < start)
		return NULL;
	return it_subtree_search(m->i_mmap, start, last);
}

/* vma_interval_tree_iter_next() */
struct vm_area_struct *i_mmap_next(struct vm_area_struct *node, uint64_t start, uint64_t last)
{
	struct vm_area_struct *rb = IT(node).right, *prev;

	for (;;) {
		if (rb && start <= IT(rb).subtree_last)
			return it_subtree_search(rb, start, last);
		do {
			rb = IT(node).parent;
			if (!rb)
				return NULL;
			prev = node;
			node = rb;
			rb = IT(node).right;
		} while (prev == rb);
		if (last < it_start(node))
			return NULL;
		if (start <= it_last(node))
			return node;
	}
}

static int it_check_node(const struct vm_area_struct *n, uint64_t *last)
{
	uint64_t l = 0, r = 0;
	int hl, hr;

	*last = 0;
	if (!n)
		return 0;
	hl = it_check_node(IT(n).left, &l);
	hr = it_check_node(IT(n).right, &r);
	if (hl < 0 || hr < 0)
		return -1;
	if ((IT(n).left && IT(IT(n).left).parent != n) ||
	    (IT(n).right && IT(IT(n).right).parent != n))
		return -1;
	if (IT(n).height != 1 + max(hl, hr) || hl - hr > 1 || hr - hl > 1)
		return -1;
	*last = max(it_last(n), max(l, r));
	if (IT(n).subtree_last != *last)
		return -1;
	return IT(n).height;
}

/* for the checker: the tree holds @vma where a query of its range finds it */
bool i_mmap_check(struct vm_area_struct *vma)
{
	struct address_space *m = vma->vm_file->f_mapping;
	uint64_t last;
	struct vm_area_struct *v;

	if (it_check_node(m->i_mmap, &last) < 0)
		return false;
	for (v = i_mmap_first(m, it_start(vma), it_last(vma)); v;
	     v = i_mmap_next(v, it_start(vma), it_last(vma)))
		if (v == vma)
			return true;
	return false;
}
