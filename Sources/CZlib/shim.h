#ifndef DOCKET_CZLIB_SHIM_H
#define DOCKET_CZLIB_SHIM_H
#include <zlib.h>
#endif
