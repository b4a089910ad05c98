/* Removing a folder bench made, with all that is in it. */
#ifndef BENCH_TREE_REMOVE_H
#define BENCH_TREE_REMOVE_H

/* Removes dir and everything below it, depth first, as far as it can:
 * never following a link out of the folder (FTW_PHYS) nor crossing into a
 * file system mounted below it (FTW_MOUNT).  Errors are ignored: it is
 * for clean-up paths, which have nothing better to do. */
void tree_remove(const char *dir);

#endif
