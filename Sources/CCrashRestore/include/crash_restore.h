#ifndef DOCKET_CRASH_RESTORE_H
#define DOCKET_CRASH_RESTORE_H
/* On a crash (a Swift trap, a bad access), give the terminal back before
   the signal goes on to what handled it before (Swift's backtracer, or the
   default), so the shell stays usable and the backtrace readable. Call
   once ncurses has started. */
void docket_restore_terminal_on_crash(void);
#endif
