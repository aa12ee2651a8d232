/* The version of paymatch. */
#ifndef PAYMATCH_VERSION_H
#define PAYMATCH_VERSION_H
#define PAYMATCH_VERSION "0.1.0"
#endif
