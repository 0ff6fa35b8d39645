#ifndef DOCKET_MALLOC_ARENAS_H
#define DOCKET_MALLOC_ARENAS_H

/// Caps glibc's malloc arenas (mallopt M_ARENA_MAX, which Swift cannot
/// reach): each thread that allocates otherwise gets an arena of its own
/// that keeps what it frees. Does nothing off glibc.
void docket_limit_malloc_arenas(int arenas);

#endif
