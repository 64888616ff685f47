# bench/rules.mk: included by the top-level Makefile (see its header for the lists).
