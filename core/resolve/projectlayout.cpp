#include "resolve/projectlayout.h"
