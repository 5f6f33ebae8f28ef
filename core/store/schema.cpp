#include "store/schema.h"
