import type { Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';

/** Every controller class of the application, once each, in the order Nest registers their routes. */
export function discoverControllers(modules: ModulesContainer): Type[] {
  const controllers = new Set<Type>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      if (typeof wrapper.metatype === 'function') controllers.add(wrapper.metatype as Type);
    }
  }
  return [...controllers];
}
