import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.config.base';

export default defineConfig(packageConfig({ entry: ['src/index.ts', 'src/meta.ts'], platform: 'node' }));
