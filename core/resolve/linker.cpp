#include "resolve/linker.h"
