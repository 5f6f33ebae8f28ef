#include "resolve/symboltable.h"
