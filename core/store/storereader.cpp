#include "store/storereader.h"
